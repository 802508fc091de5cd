import SpecCompiler

extension FeatureSchema {
    /// Every feature name of the runtime's catalog, for the compiler.
    public static let catalog = FeatureSchema(names: FeatureCatalog.all.map(\.name))
}
