/// `kind: Universe`: the symbols a deployment may trade. With a `dynamic_source`, live membership comes from that
/// service and `symbols` is the static fallback (Torghut: Jangar with a 12-symbol fallback); simulations use `symbols`.
public struct UniverseSpec: Sendable, Hashable {
    public var assetClass: String
    public var symbols: [Located<Symbol>]
    public var dynamicSource: DynamicSource?
    public var requireNonEmpty: Bool

    /// Live universe membership from an HTTP service returning a JSON list (or `{symbols: [...]}`).
    public struct DynamicSource: Sendable, Hashable {
        public var provider: String
        public var url: Located<String>
        public var requestTimeoutSeconds: Int
        public var cacheTTLSeconds: Int
        public var maxStaleSeconds: Int
        public var fallbackToSymbols: Bool

        static let kind = FieldKind<DynamicSource>.object("Live universe membership service.") { r in
            let source = DynamicSource(
                provider: r.required("provider", .choice(["jangar"], "Service that provides the symbol list.")),
                url: r.required("url", .located(.string("HTTP(S) URL returning the symbol list.", pattern: "^https?://"))),
                requestTimeoutSeconds: r.optional(
                    "request_timeout_seconds", .integer("Timeout of one request.", min: 1, max: 300), default: 5),
                cacheTTLSeconds: r.optional(
                    "cache_ttl_seconds", .integer("How long a fetched list is reused.", min: 0, max: 86_400),
                    default: 300),
                maxStaleSeconds: r.optional(
                    "max_stale_seconds",
                    .integer("How long a cached list may be used after fetches fail.", min: 0, max: 86_400),
                    default: 900),
                fallbackToSymbols: r.optional(
                    "fallback_to_symbols", .bool("Use `symbols` when the service and cache both fail."), default: true))
            if !r.skipsCrossChecks {
                let url = source.url.value
                if !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                    r.report(.invalidValue, "'url' must start with http:// or https://, found '\(url)'", at: "url")
                }
                if source.maxStaleSeconds < source.cacheTTLSeconds {
                    r.report(
                        .conflictingValues,
                        "'max_stale_seconds' (\(source.maxStaleSeconds)) is below 'cache_ttl_seconds' "
                            + "(\(source.cacheTTLSeconds))", at: "max_stale_seconds")
                }
            }
            return source
        }
    }

    public static let kind = FieldKind<UniverseSpec>.object("The tradable symbol set.") { r in
        UniverseSpec(
            assetClass: r.optional("asset_class", .choice(["equity"], "Asset class of every symbol."), default: "equity"),
            symbols: r.required(
                "symbols",
                .list(.located(.symbol("A ticker.")), "The symbols, or the static fallback with a dynamic source.",
                      nonEmpty: true)),
            dynamicSource: r.optional("dynamic_source", DynamicSource.kind),
            requireNonEmpty: r.optional(
                "require_non_empty", .bool("Block trading when the resolved universe is empty."), default: true))
    }

    /// The symbols in byte order.
    public var sortedSymbols: [Symbol] { self.symbols.map(\.value).sorted() }
}
