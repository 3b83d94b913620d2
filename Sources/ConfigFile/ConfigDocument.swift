import FailoverCore
import TOMLKit

/// A parsed TOML config that remembers where each key was written, so that every complaint names the
/// file, the line and the dotted key. Keys that the model never reads are reported as unknown.
public final class ConfigDocument: ConfigSource {
    public let file: String
    private let root: TOMLTable
    private let lineIndex: [String: Int]
    private var readKeys: Set<String> = []

    public init(text: String, file: String) throws(ConfigError) {
        self.file = file
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, key: nil, message: error.description)
        } catch {
            throw ConfigError(file: file, line: nil, key: nil, message: "\(error)")
        }
        lineIndex = TOMLKeyLines.index(text)
    }

    public func error(_ key: String, _ message: String) -> ConfigError {
        ConfigError(file: file, line: line(of: key), key: key, message: message)
    }

    /// The line of the key, or of the nearest enclosing key or table that has one.
    public func line(of key: String) -> Int? {
        var path = key
        while true {
            if let line = lineIndex[path] { return line }
            guard let dot = path.lastIndex(of: ".") else { return nil }
            path = String(path[..<dot])
        }
    }

    private func value(_ key: String) -> TOMLValueConvertible? {
        readKeys.insert(key)
        var current: TOMLValueConvertible? = root
        for part in key.split(separator: ".") {
            if let index = Int(part), let array = current?.array {
                current = index < array.count ? array[index] : nil
            } else {
                current = current?.table?[String(part)]
            }
        }
        return current
    }

    public func hasTable(_ key: String) -> Bool {
        value(key)?.table != nil
    }

    public func string(_ key: String) throws(ConfigError) -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.string else { throw error(key, "must be a string, not \(value.type)") }
        return text
    }

    public func integer(_ key: String) throws(ConfigError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let number = value.int else { throw error(key, "must be a whole number, not \(value.type)") }
        return number
    }

    public func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = value.bool else { throw error(key, "must be true or false, not \(value.type)") }
        return flag
    }

    public func strings(_ key: String) throws(ConfigError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard let array = value.array else { throw error(key, "must be an array of strings") }
        var result: [String] = []
        for element in array {
            guard let text = element.string else { throw error(key, "must be an array of strings") }
            result.append(text)
        }
        return result
    }

    /// The number of entries of an array of tables (`nodes = [ {…}, {…} ]`); its entries are read as
    /// `key.0.field`, `key.1.field`.
    public func tableCount(_ key: String) throws(ConfigError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let array = value.array, array.allSatisfy({ $0.table != nil }) else {
            throw error(key, "must be an array of tables")
        }
        return array.count
    }

    /// Every key present in the file that the model did not read: usually a typo.
    public func unknownKeys() -> [String] {
        var found: [String] = []
        func walk(_ table: TOMLTable, _ prefix: String) {
            for key in table.keys.sorted() {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                guard let value = table[key] else { continue }
                if let array = value.array, array.contains(where: { $0.table != nil }) {
                    for (index, element) in array.enumerated() {
                        guard let inner = element.table else { continue }
                        for field in inner.keys.sorted() where !readKeys.contains("\(path).\(index).\(field)") {
                            found.append("\(path).\(index).\(field)")
                        }
                    }
                } else if let inner = value.table {
                    if !readKeys.contains(path) || readKeys.contains(where: { $0.hasPrefix(path + ".") }) {
                        walk(inner, path)
                    }
                } else if !readKeys.contains(path) {
                    found.append(path)
                }
            }
        }
        walk(root, "")
        return found
    }
}

/// Maps dotted keys to the line that defines them: table headers, `key =` lines and keys inside
/// inline tables on those lines. Enough TOML to locate errors, not to read values.
enum TOMLKeyLines {
    static func index(_ text: String) -> [String: Int] {
        var lines: [String: Int] = [:]
        var table = ""
        var array: ArrayLines?
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
                .map { $0.trimmingSpaces() } ?? ""
            if var open = array {
                array = open.scan(line[...], line: number, into: &lines) ? open : nil
                continue
            }
            if line.hasPrefix("[") {
                let name = line.trimmingCharacters(["[", "]", " "])
                table = name
                lines[name] = lines[name] ?? number
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingSpaces().trimmingCharacters(["\"", "'"])
            let path = table.isEmpty ? key : "\(table).\(key)"
            lines[path] = lines[path] ?? number
            let rest = line[line.index(after: equals)...]
            if rest.trimmingSpaces().hasPrefix("[") {
                var open = ArrayLines(path: path)
                array = open.scan(rest, line: number, into: &lines) ? open : nil
                continue
            }
            // Keys of inline tables on this line: `heartbeat = { interval = "100ms" }`.
            for field in rest.split(whereSeparator: { $0 == "{" || $0 == "," }) {
                guard let inner = field.firstIndex(of: "=") else { continue }
                let name = field[..<inner].trimmingSpaces()
                if !name.isEmpty, !name.contains(" ") { lines["\(path).\(name)"] = lines["\(path).\(name)"] ?? number }
            }
        }
        return lines
    }
}

/// The lines of an array's inline tables, which may span lines: `nodes = [ { name = "a" },` puts
/// `pair.nodes.0` and `pair.nodes.0.name` on its line, so that an error in the second node names the
/// second node's line.
struct ArrayLines {
    let path: String
    private var depth = 0
    private var element = -1
    private var inString = false
    private var token = ""

    init(path: String) {
        self.path = path
    }

    /// Reads one line of the array; false once the array is closed.
    mutating func scan(_ text: Substring, line: Int, into lines: inout [String: Int]) -> Bool {
        for character in text {
            if inString {
                if character == "\"" { inString = false }
                continue
            }
            switch character {
            case "\"": inString = true
            case "[", "{":
                depth += 1
                token = ""
                if character == "{" && depth == 2 {
                    element += 1
                    lines["\(path).\(element)"] = lines["\(path).\(element)"] ?? line
                }
            case "]", "}": depth -= 1
            case ",": token = ""
            case "=":
                let field = token.trimmingSpaces()
                if depth == 2, element >= 0, !field.isEmpty {
                    lines["\(path).\(element).\(field)"] = lines["\(path).\(element).\(field)"] ?? line
                }
                token = ""
            default: token.append(character)
            }
        }
        return depth > 0
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String { trimmingCharacters([" ", "\t", "\r"]) }

    func trimmingCharacters(_ set: Set<Character>) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
