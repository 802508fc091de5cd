/// An expression read from a spec, with what is needed to point diagnostics at a character inside it.
public struct LocatedExpression: Sendable, Hashable {
    public var expression: Expression
    /// The YAML scalar holding the text.
    public var span: SourceSpan
    /// Where the text's first scalar sits when the whole text is on one line (plain or quoted scalars); nil for
    /// block scalars, whose diagnostics point at the scalar.
    public var textStart: SourceLocation?

    public static func == (a: LocatedExpression, b: LocatedExpression) -> Bool { a.expression == b.expression }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.expression) }

    /// The file span of scalar offsets `[start, end)` of the text.
    public func span(start: Int, end: Int) -> SourceSpan {
        guard let origin = self.textStart else { return self.span }
        return SourceSpan(
            file: self.span.file, start: SourceLocation(line: origin.line, column: origin.column + start),
            end: SourceLocation(line: origin.line, column: origin.column + max(end, start + 1)))
    }

    /// The file span of a sub-expression.
    public func span(of expression: Expression) -> SourceSpan { self.span(start: expression.start, end: expression.end) }
}

extension FieldKind where Value == LocatedExpression {
    /// A rule expression (see `ExpressionParser` for the grammar). Syntax errors are SPEC031 at the exact character.
    public static func expression(_ description: String) -> FieldKind<LocatedExpression> {
        FieldKind(
            placeholder: LocatedExpression(
                expression: Expression(.boolean(true), start: 0, end: 0), span: SourceSpan(file: ""), textStart: nil),
            schema: { .object(["type": ["string", "number", "boolean"], "description": .string(description)]) },
            encode: { .string($0.expression.canonicalText) },
            decode: { node, site, session in
                guard case .scalar(let text, let style) = node.content, !node.isNull else {
                    session.wrongType(node, expected: "an expression", at: site)
                    return nil
                }
                var textStart: SourceLocation?
                if let start = node.span.start, let end = node.span.end, start.line == end.line {
                    switch style {
                    case .plain: textStart = start
                    case .singleQuoted, .doubleQuoted:
                        textStart = SourceLocation(line: start.line, column: start.column + 1)
                    case .literal, .folded: textStart = nil
                    }
                }
                switch ExpressionParser.parse(text) {
                case .success(let expression):
                    return LocatedExpression(expression: expression, span: node.span, textStart: textStart)
                case .failure(let error):
                    let located = LocatedExpression(
                        expression: Expression(.boolean(true), start: 0, end: 0), span: node.span,
                        textStart: textStart)
                    session.diagnostics.error(
                        .expressionSyntax, "invalid expression: \(error.message)",
                        at: located.span(start: error.start, end: error.end))
                    return nil
                }
            })
    }
}
