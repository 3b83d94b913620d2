/// Typed look-ups of dotted keys in a parsed config file, each error located by file, line and key.
/// The TOML parser lives outside the core (target ConfigFile), so the core stays pure.
public protocol ConfigSource {
    var file: String { get }
    func error(_ key: String, _ message: String) -> ConfigError
    func hasTable(_ key: String) -> Bool
    func string(_ key: String) throws(ConfigError) -> String?
    func integer(_ key: String) throws(ConfigError) -> Int?
    func bool(_ key: String) throws(ConfigError) -> Bool?
    func strings(_ key: String) throws(ConfigError) -> [String]?
    /// The number of entries of an array of tables; entries are read as `key.0.field`, `key.1.field`.
    func tableCount(_ key: String) throws(ConfigError) -> Int?
    /// Every key present in the file that no look-up asked for: usually a typo.
    func unknownKeys() -> [String]
}
