import SpecCompiler
import SpecModel

/// A strategy's `RuleProgram` and rule gates lowered for the per-signal path: fixed-size instructions of plain values
/// (no enum payload holds an array, so reading one retains nothing), n-ary operand lists in one side table, and each
/// rule's window and conditions as a plain `RuleGate`. Built once per strategy and immutable after; a class owning raw
/// buffers, so an evaluation holds one reference instead of retaining four arrays, and reads plain memory.
final class ProgramCode: @unchecked Sendable {
    struct Instruction: Sendable {
        enum Kind: UInt8, Sendable {
            case constant, boolean, feature, present
            case minutesAfterOpen, minutesBeforeClose, utcMinuteOfDay, confidence
            case negate, add, subtract, multiply, divide, minimum, maximum, absolute, choose, decay
            case less, lessOrEqual, greater, greaterOrEqual, equal, notEqual, between
            case all, any, not
        }

        var kind: Kind
        /// `feature`: a missing value is optional-missing (comparisons with it pass). A comparison of a feature with
        /// a constant: the feature's flag.
        var optional = false
        /// A comparison of a feature (slot in `c`) with a constant (in `constant`), the feature on the left, or a
        /// feature between two constants (`constant` and `high`): read in place, without evaluating the operands
        /// (most conditions have one of these shapes).
        var featureWithConstant = false
        /// A fused feature-with-constant instruction whose feature is negated (`-f in [k1, k2]`).
        var negated = false
        /// A comparison of two features (slots in `c` and `d`; `optional` is the left one's flag, `rightOptional`
        /// the right one's): read in place too.
        var featureWithFeature = false
        var rightOptional = false
        /// Operand indices; for `all`, `any`, `minimum` and `maximum`, `a` is the start of the list in `lists` and
        /// `b` its length; for `feature` and `present`, `a` is the slot.
        var a: Int32 = 0
        var b: Int32 = 0
        var c: Int32 = 0
        var d: Int32 = 0
        /// `constant` (and `boolean`: 1 for true).
        var constant = 0.0
        /// A fused `between`'s upper bound.
        var high = 0.0
    }

    /// An entry or exit rule's gates: its minute window and its conditions (indices in `lists`).
    struct RuleGate: Sendable {
        var direction: PlanRule.Direction
        var requiresAll: Bool
        var hasWindow: Bool
        var windowStart: Double
        var windowEnd: Double
        var conditionStart: Int32
        var conditionCount: Int32
    }

    /// Each buffer is allocated with room for at least one element, so base addresses always exist; `instructions`
    /// ends with a sentinel so every memo has at least one slot.
    let instructions: UnsafeMutableBufferPointer<Instruction>
    let lists: UnsafeMutableBufferPointer<Int32>
    let entries: UnsafeMutableBufferPointer<RuleGate>
    let exits: UnsafeMutableBufferPointer<RuleGate>
    let entriesAllWindowed: Bool

    init(_ program: RuleProgram, entries: [CompiledRule] = [], exits: [CompiledRule] = []) {
        var lowering = Lowering()
        var instructions = program.operations.map { lowering.lower($0, in: program.operations) }
        instructions.append(Instruction(kind: .boolean))
        let entryGates = entries.map { lowering.gate($0) }
        let exitGates = exits.map { lowering.gate($0) }
        self.instructions = Self.copy(instructions)
        self.lists = Self.copy(lowering.lists)
        self.entries = Self.copy(entryGates)
        self.exits = Self.copy(exitGates)
        self.entriesAllWindowed = !entryGates.isEmpty && entryGates.allSatisfy(\.hasWindow)
    }

    deinit {
        self.instructions.deallocate()
        self.lists.deallocate()
        self.entries.deallocate()
        self.exits.deallocate()
    }

    private static func copy<Element>(_ items: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(items.count, 1))
        _ = buffer.initialize(from: items)
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<items.count])
    }

    /// The number of memo slots an evaluation needs.
    var slotCount: Int { self.instructions.count }

    /// The code as plain pointers, for a holder that keeps the code alive itself (a book holds its strategy, which
    /// holds the code): reading it, unlike the object, retains nothing.
    var view: View {
        View(
            instructions: self.instructions.baseAddress!, lists: self.lists.baseAddress!,
            entries: UnsafeBufferPointer(self.entries), exits: UnsafeBufferPointer(self.exits),
            slotCount: self.slotCount, entriesAllWindowed: self.entriesAllWindowed)
    }

    struct View: @unchecked Sendable {
        let instructions: UnsafePointer<Instruction>
        let lists: UnsafePointer<Int32>
        let entries: UnsafeBufferPointer<RuleGate>
        let exits: UnsafeBufferPointer<RuleGate>
        let slotCount: Int
        /// Every entry rule has a minute window: a flat book outside all of them can only record `outside_window`.
        let entriesAllWindowed: Bool

        /// Whether `minute` (minutes after the open; nil outside a session) lies outside every entry's window.
        /// Meaningful when `entriesAllWindowed`.
        @inline(__always)
        func entriesClosed(at minute: Double?) -> Bool {
            guard let minute else { return true }
            for gate in self.entries where minute >= gate.windowStart && minute < gate.windowEnd { return false }
            return true
        }

        /// A frame over this code for one evaluation: `memo.next()` starts a fresh generation of the scratch slots.
        @inline(__always)
        func frame(memo: inout MemoScratch, features: FeatureReader, context: EvaluationContext) -> ProgramFrame {
            _ = memo.next()
            return self.frame(continuing: memo, features: features, context: context)
        }

        /// `frame` continuing the current generation of `memo` (results memoised earlier in it stay valid).
        @inline(__always)
        func frame(continuing memo: MemoScratch, features: FeatureReader, context: EvaluationContext) -> ProgramFrame {
            precondition(self.slotCount <= memo.count, "memo scratch smaller than the program")
            return ProgramFrame(
                instructions: self.instructions, lists: self.lists, entries: self.entries, exits: self.exits,
                slots: memo.base, generation: memo.generation, features: features, context: context)
        }
    }
}

/// Builds the operand lists while lowering operations and rules.
private struct Lowering {
    typealias Instruction = ProgramCode.Instruction

    var lists: [Int32] = []

    private mutating func list(_ items: [Int]) -> (Int32, Int32) {
        let start = Int32(self.lists.count)
        for item in items { self.lists.append(Int32(item)) }
        return (start, Int32(items.count))
    }

    mutating func gate(_ rule: CompiledRule) -> ProgramCode.RuleGate {
        let (start, count) = self.list(rule.conditions)
        return ProgramCode.RuleGate(
            direction: rule.direction, requiresAll: rule.mode == .all, hasWindow: rule.window != nil,
            windowStart: Double(rule.window?.lowerBound ?? 0), windowEnd: Double(rule.window?.upperBound ?? 0),
            conditionStart: start, conditionCount: count)
    }

    mutating func lower(_ operation: RuleProgram.Operation, in operations: [RuleProgram.Operation]) -> Instruction {
        var instruction = self.lower(operation)
        /// Marks `instruction` as reading feature `slot` against `constant` in place.
        func fuse(_ slot: Int, _ optional: Bool, _ constant: Double) {
            instruction.featureWithConstant = true
            instruction.c = Int32(slot)
            instruction.optional = optional
            instruction.constant = constant
        }
        switch operation {
        case .between(let value, let low, let high):
            guard case .constant(let lowValue) = operations[low], case .constant(let highValue) = operations[high]
            else { break }
            if case .feature(let slot, let optional) = operations[value] {
                fuse(slot, optional, lowValue)
                instruction.high = highValue
            } else if case .negate(let inner) = operations[value], case .feature(let slot, let optional) = operations[inner] {
                fuse(slot, optional, lowValue)
                instruction.high = highValue
                instruction.negated = true
            }
        case .comparison(_, let left, let right):
            switch (operations[left], operations[right]) {
            case (.feature(let slot, let optional), .constant(let value)):
                fuse(slot, optional, value)
            case (.constant(let value), .feature(let slot, let optional)):
                // `c < f` is `f > c`: the mirrored operator puts the feature on the left.
                instruction.kind = Self.mirrored(instruction.kind)
                fuse(slot, optional, value)
            case (.feature(let leftSlot, let leftOptional), .feature(let rightSlot, let rightOptional)):
                instruction.featureWithFeature = true
                instruction.c = Int32(leftSlot)
                instruction.d = Int32(rightSlot)
                instruction.optional = leftOptional
                instruction.rightOptional = rightOptional
            default:
                break
            }
        default:
            break
        }
        return instruction
    }

    private static func mirrored(_ kind: Instruction.Kind) -> Instruction.Kind {
        switch kind {
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        default: kind
        }
    }

    private mutating func lower(_ operation: RuleProgram.Operation) -> Instruction {
        func binary(_ kind: Instruction.Kind, _ a: Int, _ b: Int) -> Instruction {
            Instruction(kind: kind, a: Int32(a), b: Int32(b))
        }
        switch operation {
        case .constant(let value): return Instruction(kind: .constant, constant: value)
        case .boolean(let value): return Instruction(kind: .boolean, constant: value ? 1 : 0)
        case .feature(let slot, let optional): return Instruction(kind: .feature, optional: optional, a: Int32(slot))
        case .present(let slot): return Instruction(kind: .present, a: Int32(slot))
        case .minutesAfterOpen: return Instruction(kind: .minutesAfterOpen)
        case .minutesBeforeClose: return Instruction(kind: .minutesBeforeClose)
        case .utcMinuteOfDay: return Instruction(kind: .utcMinuteOfDay)
        case .confidence: return Instruction(kind: .confidence)
        case .negate(let inner): return Instruction(kind: .negate, a: Int32(inner))
        case .absolute(let inner): return Instruction(kind: .absolute, a: Int32(inner))
        case .not(let inner): return Instruction(kind: .not, a: Int32(inner))
        case .arithmetic(let op, let left, let right):
            switch op {
            case .add: return binary(.add, left, right)
            case .subtract: return binary(.subtract, left, right)
            case .multiply: return binary(.multiply, left, right)
            case .divide: return binary(.divide, left, right)
            }
        case .comparison(let op, let left, let right):
            switch op {
            case .less: return binary(.less, left, right)
            case .lessOrEqual: return binary(.lessOrEqual, left, right)
            case .greater: return binary(.greater, left, right)
            case .greaterOrEqual: return binary(.greaterOrEqual, left, right)
            case .equal: return binary(.equal, left, right)
            case .notEqual: return binary(.notEqual, left, right)
            }
        case .between(let value, let low, let high):
            return Instruction(kind: .between, a: Int32(value), b: Int32(low), c: Int32(high))
        case .choose(let condition, let then, let otherwise):
            return Instruction(kind: .choose, a: Int32(condition), b: Int32(then), c: Int32(otherwise))
        case .decay(let from, let to, let start, let end):
            return Instruction(kind: .decay, a: Int32(from), b: Int32(to), c: Int32(start), d: Int32(end))
        case .all(let items), .any(let items), .minimum(let items), .maximum(let items):
            let (start, count) = self.list(items)
            let kind: Instruction.Kind
            switch operation {
            case .all: kind = .all
            case .any: kind = .any
            case .minimum: kind = .minimum
            default: kind = .maximum
            }
            return Instruction(kind: kind, a: start, b: count)
        }
    }

}

/// Per-operation results of evaluations, reusable across signals and programs: a slot is valid only when its stamp
/// equals the current generation, so starting the next evaluation is one increment, not a clear or an allocation.
/// One memo serves every book of a plan runner (books are evaluated one after another).
struct ProgramMemo: Sendable {
    struct Slot: Sendable {
        /// `tag`: 0 a number in `value`, 1 missing, 2 optional-missing, 3 yes, 4 no, 5 unknown.
        var value = 0.0
        var stamp: UInt32 = 0
        var tag: UInt8 = 0
    }

    private var slots: [Slot] = []
    private var generation: UInt32 = 0

    init() {}

    /// Runs `body` with raw access to at least `count` slots (allocating only when growing); the generation the
    /// body reaches is kept for the next call.
    @inline(__always)
    mutating func withScratch<R>(count: Int, _ body: (inout MemoScratch) -> R) -> R {
        if self.slots.count < count {
            self.slots.append(contentsOf: repeatElement(Slot(), count: count - self.slots.count))
        }
        let generation = self.generation
        return self.slots.withUnsafeMutableBufferPointer { slots in
            var scratch = MemoScratch(base: slots.baseAddress!, count: slots.count, generation: generation)
            defer { self.generation = scratch.generation }
            return body(&scratch)
        }
    }
}

/// Raw view of a `ProgramMemo`'s slots, valid inside `ProgramMemo.withScratch`.
struct MemoScratch {
    let base: UnsafeMutablePointer<ProgramMemo.Slot>
    let count: Int
    private(set) var generation: UInt32

    init(base: UnsafeMutablePointer<ProgramMemo.Slot>, count: Int, generation: UInt32) {
        self.base = base
        self.count = count
        self.generation = generation
    }

    /// Invalidates every slot: the next generation.
    @inline(__always)
    mutating func next() -> UInt32 {
        self.generation &+= 1
        if self.generation == 0 {
            // Wrapped after 2³² evaluations: stale stamps could look current again.
            for index in 0..<self.count { self.base[index].stamp = 0 }
            self.generation = 1
        }
        return self.generation
    }
}

/// Read access to a `FeatureVector`'s storage for the span of `FeatureVector.withReader`.
struct FeatureReader {
    let values: UnsafePointer<Double>
    let presence: UnsafePointer<UInt64>

    @inline(__always) func isPresent(slot: Int) -> Bool {
        self.presence[slot &>> 6] & (1 &<< UInt64(slot & 63)) != 0
    }
}

extension FeatureVector {
    @inline(__always)
    func withReader<R>(_ body: (FeatureReader) -> R) -> R {
        self.values.withUnsafeBufferPointer { values in
            self.presence.withUnsafeBufferPointer { presence in
                body(FeatureReader(values: values.baseAddress!, presence: presence.baseAddress!))
            }
        }
    }
}

/// One evaluation of a `ProgramCode` for one signal, over raw storage that outlives it (see `ProgramCode.withFrame`):
/// lazy and memoised, so `and`/`or` short-circuit and shared sub-expressions are computed once. Semantics are those
/// of `RuleProgram` (three-valued, optional operands pass comparisons, division by zero is missing).
struct ProgramFrame {
    typealias Instruction = ProgramCode.Instruction

    let instructions: UnsafePointer<Instruction>
    let lists: UnsafePointer<Int32>
    let entries: UnsafeBufferPointer<ProgramCode.RuleGate>
    let exits: UnsafeBufferPointer<ProgramCode.RuleGate>
    let slots: UnsafeMutablePointer<ProgramMemo.Slot>
    let generation: UInt32
    let features: FeatureReader
    let context: EvaluationContext

    func truth(at index: Int) -> Truth {
        let instruction = self.instructions[index]
        // A feature compared with a constant is cheaper to read again than to memoise, like a leaf (the constant is
        // always a value: only the feature can be missing).
        if instruction.featureWithConstant {
            let slot = Int(instruction.c)
            guard self.features.isPresent(slot: slot) else { return instruction.optional ? .yes : .unknown }
            var value = self.features.values[slot]
            if instruction.negated {
                // As `negate` computes it: a result that is not finite is missing (and required: unknown).
                value = -value
                guard value.isFinite else { return .unknown }
            }
            if instruction.kind == .between {
                return instruction.constant <= value && value <= instruction.high ? .yes : .no
            }
            return Self.compare(instruction.kind, value, instruction.constant)
        }
        if instruction.featureWithFeature {
            let left = Int(instruction.c)
            let right = Int(instruction.d)
            let leftPresent = self.features.isPresent(slot: left)
            let rightPresent = self.features.isPresent(slot: right)
            guard leftPresent, rightPresent else {
                // A required operand that is missing wins over an optional one.
                let required = (!leftPresent && !instruction.optional) || (!rightPresent && !instruction.rightOptional)
                return required ? .unknown : .yes
            }
            return Self.compare(instruction.kind, self.features.values[left], self.features.values[right])
        }
        let slot = self.slots + index
        if slot.pointee.stamp == self.generation, slot.pointee.tag >= 3 {
            return slot.pointee.tag == 3 ? .yes : (slot.pointee.tag == 4 ? .no : .unknown)
        }
        let value = self.computeTruth(instruction)
        slot.pointee.tag = value == .yes ? 3 : (value == .no ? 4 : 5)
        slot.pointee.stamp = self.generation
        return value
    }

    func number(at index: Int) -> NumberValue {
        // Leaves are cheaper to read again than to memoise.
        let instruction = self.instructions[index]
        if instruction.kind == .constant { return .value(instruction.constant) }
        if instruction.kind == .feature {
            let slot = Int(instruction.a)
            if self.features.isPresent(slot: slot) { return .value(self.features.values[slot]) }
            return instruction.optional ? .missingOptional : .missing
        }
        let slot = self.slots + index
        if slot.pointee.stamp == self.generation, slot.pointee.tag < 3 {
            switch slot.pointee.tag {
            case 0: return .value(slot.pointee.value)
            case 1: return .missing
            default: return .missingOptional
            }
        }
        let value = self.computeNumber(instruction)
        switch value {
        case .value(let number):
            slot.pointee.value = number
            slot.pointee.tag = 0
        case .missing: slot.pointee.tag = 1
        case .missingOptional: slot.pointee.tag = 2
        }
        slot.pointee.stamp = self.generation
        return value
    }

    /// Whether `gate` passes: `.fired`, or the first gate that stopped it.
    func check(_ gate: ProgramCode.RuleGate) -> RuleOutcome.Result {
        if gate.hasWindow {
            guard let minute = self.context.minutesAfterOpen, minute >= gate.windowStart, minute < gate.windowEnd
            else { return .outsideWindow }
        }
        let conditions = self.lists + Int(gate.conditionStart)
        if gate.requiresAll {
            for position in 0..<Int(gate.conditionCount) where self.truth(at: Int(conditions[position])) != .yes {
                return .failedCondition(position)
            }
            return .fired
        }
        for position in 0..<Int(gate.conditionCount) where self.truth(at: Int(conditions[position])) == .yes {
            return .fired
        }
        return .failedCondition(nil)
    }

    /// Operands read left to right, as a number operation sees them: the first required operand that is missing
    /// decides, and later ones are not read; an optional missing one makes the result optional-missing.
    private struct Operands {
        var failure: NumberValue? = nil

        var stopped: Bool { self.failure == .missing }

        /// The result: the failure when an operand was missing, else `value` when it is finite, else missing.
        func result(_ value: Double?) -> NumberValue {
            if let failure = self.failure { return failure }
            guard let value, value.isFinite else { return .missing }
            return .value(value)
        }
    }

    /// The value of operand `index` (0 when it has none; `operands` then records why).
    @inline(__always)
    private func read(_ index: Int32, _ operands: inout Operands) -> Double {
        guard !operands.stopped else { return 0 }
        switch self.number(at: Int(index)) {
        case .value(let number): return number
        case .missing: operands.failure = .missing
        case .missingOptional: operands.failure = .missingOptional
        }
        return 0
    }

    private static func clock(_ value: Double?) -> NumberValue { value.map(NumberValue.value) ?? .missing }

    private func computeNumber(_ instruction: Instruction) -> NumberValue {
        var operands = Operands()
        switch instruction.kind {
        case .constant: return .value(instruction.constant)
        case .feature:
            let slot = Int(instruction.a)
            if self.features.isPresent(slot: slot) { return .value(self.features.values[slot]) }
            return instruction.optional ? .missingOptional : .missing
        case .minutesAfterOpen: return Self.clock(self.context.minutesAfterOpen)
        case .minutesBeforeClose: return Self.clock(self.context.minutesBeforeClose)
        case .confidence: return Self.clock(self.context.confidence)
        case .utcMinuteOfDay: return Self.clock(self.context.utcMinuteOfDay)
        case .negate: return operands.result(-self.read(instruction.a, &operands))
        case .add, .subtract, .multiply, .divide:
            let a = self.read(instruction.a, &operands)
            let b = self.read(instruction.b, &operands)
            switch instruction.kind {
            case .add: return operands.result(a + b)
            case .subtract: return operands.result(a - b)
            case .multiply: return operands.result(a * b)
            default: return operands.result(b == 0 ? nil : a / b)
            }
        case .minimum, .maximum:
            // Like `Array.min()`/`max()`: the first of equal values wins.
            let items = self.lists + Int(instruction.a)
            let lowest = instruction.kind == .minimum
            var result = 0.0
            for position in 0..<Int(instruction.b) {
                let value = self.read(items[position], &operands)
                if position == 0 || (lowest ? value < result : result < value) { result = value }
            }
            return operands.result(result)
        case .absolute: return operands.result(Swift.abs(self.read(instruction.a, &operands)))
        case .choose:
            switch self.truth(at: Int(instruction.a)) {
            case .yes: return self.number(at: Int(instruction.b))
            case .no: return self.number(at: Int(instruction.c))
            case .unknown: return .missing
            }
        case .decay:
            guard let minute = self.context.minutesAfterOpen else { return .missing }
            let from = self.read(instruction.a, &operands)
            let to = self.read(instruction.b, &operands)
            let start = self.read(instruction.c, &operands)
            let end = self.read(instruction.d, &operands)
            if minute <= start || end <= start { return operands.result(from) }
            if minute >= end { return operands.result(to) }
            return operands.result(from + (to - from) * (minute - start) / (end - start))
        case .boolean, .present, .less, .lessOrEqual, .greater, .greaterOrEqual, .equal, .notEqual, .between, .all,
            .any, .not:
            return .missing
        }
    }

    @inline(__always)
    private static func compare(_ kind: Instruction.Kind, _ a: Double, _ b: Double) -> Truth {
        let result: Bool
        switch kind {
        case .less: result = a < b
        case .lessOrEqual: result = a <= b
        case .greater: result = a > b
        case .greaterOrEqual: result = a >= b
        case .equal: result = a == b
        default: result = a != b
        }
        return result ? .yes : .no
    }

    private func computeTruth(_ instruction: Instruction) -> Truth {
        switch instruction.kind {
        case .boolean: return instruction.constant != 0 ? .yes : .no
        case .present: return self.features.isPresent(slot: Int(instruction.a)) ? .yes : .no
        case .less, .lessOrEqual, .greater, .greaterOrEqual, .equal, .notEqual:
            // (A feature compared with a constant is answered in `truth(at:)`.)
            let l = self.number(at: Int(instruction.a))
            let r = self.number(at: Int(instruction.b))
            // A required operand that is missing wins over an optional one: `x? > y` with y missing is unknown.
            guard case .value(let a) = l, case .value(let b) = r else {
                return l == .missing || r == .missing ? .unknown : .yes
            }
            return Self.compare(instruction.kind, a, b)
        case .between:
            let v = self.number(at: Int(instruction.a))
            let l = self.number(at: Int(instruction.b))
            let h = self.number(at: Int(instruction.c))
            guard case .value(let x) = v, case .value(let a) = l, case .value(let b) = h else {
                return v == .missing || l == .missing || h == .missing ? .unknown : .yes
            }
            return a <= x && x <= b ? .yes : .no
        case .all, .any:
            // Kleene: `all` is decided by the first `no`, `any` by the first `yes`; else unknown if an operand was.
            let decisive: Truth = instruction.kind == .all ? .no : .yes
            let items = self.lists + Int(instruction.a)
            var sawUnknown = false
            for position in 0..<Int(instruction.b) {
                let truth = self.truth(at: Int(items[position]))
                if truth == decisive { return decisive }
                if truth == .unknown { sawUnknown = true }
            }
            return sawUnknown ? .unknown : (decisive == .no ? .yes : .no)
        case .not:
            switch self.truth(at: Int(instruction.a)) {
            case .yes: return .no
            case .no: return .yes
            case .unknown: return .unknown
            }
        default:
            return .unknown
        }
    }
}
