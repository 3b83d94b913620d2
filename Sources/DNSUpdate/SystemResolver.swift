import DNSModel

#if canImport(Glibc)
import Glibc
#endif

/// The recursive resolver this host is configured with.
enum SystemResolver {
    static func first(path: String = "/etc/resolv.conf") throws -> ServerEndpoint {
        guard let file = fopen(path, "r") else {
            throw DNSError.invalidInput("no --server given and \(path) cannot be read to find the zone's primary")
        }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let words = String(cString: line).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            if words.count >= 2, words[0] == "nameserver" {
                return ServerEndpoint(host: String(words[1]))
            }
        }
        throw DNSError.invalidInput("no --server given and \(path) names no nameserver")
    }
}
