import FailoverCore

extension ConfigLoader {
    /// Parses TOML text and validates it; `file` names the file in errors and anchors relative paths.
    public static func load(text: String, file: String) throws(ConfigError) -> DNSFixConfig {
        try load(ConfigDocument(text: text, file: file))
    }
}
