import Crypto

/// The wire form of a heartbeat: versioned, fixed-width big-endian fields, and an HMAC-SHA256 tag
/// over everything before it.
///
///     "DX" version(1) kind(1) name-length(1) name
///     boot(8) sequence(8) echo-boot(8) echo-sequence(8) epoch(8)
///     role(1) wait-reason(1) flags(1) identity(4) preference(4) settings(4)
///     HMAC-SHA256(32)
public enum HeartbeatCodec {
    public static let version: UInt8 = 1
    static let magic: [UInt8] = [0x44, 0x58]
    static let heartbeatKind: UInt8 = 1
    static let tagLength = 32
    public static let maximumNameLength = 63

    private enum Flag: UInt8 {
        case activating = 1, eligible = 2, yielding = 4, swapRequested = 8
    }

    public static func encode(_ heartbeat: Heartbeat, key: SymmetricKey) -> [UInt8] {
        var bytes = magic + [version, heartbeatKind]
        let name = Array(heartbeat.node.utf8.prefix(maximumNameLength))
        bytes.append(UInt8(name.count))
        bytes += name
        for field in [heartbeat.bootID, heartbeat.sequence, heartbeat.echo.bootID, heartbeat.echo.sequence,
                      heartbeat.status.epoch] {
            append(field, to: &bytes)
        }
        let status = heartbeat.status
        var flags: UInt8 = 0
        if status.activating { flags |= Flag.activating.rawValue }
        if status.eligible { flags |= Flag.eligible.rawValue }
        if status.yielding { flags |= Flag.yielding.rawValue }
        if status.swapRequested { flags |= Flag.swapRequested.rawValue }
        bytes += [status.role.rawValue, status.waitReason?.rawValue ?? 0, flags]
        for field in [heartbeat.fingerprint.identity, heartbeat.fingerprint.preference, heartbeat.fingerprint.settings] {
            append(field, to: &bytes)
        }
        bytes += HMAC<SHA256>.authenticationCode(for: bytes, using: key)
        return bytes
    }

    /// Checks the tag before reading a single field, so nothing unauthenticated is ever parsed.
    public static func decode(_ bytes: [UInt8], key: SymmetricKey) throws(HeartbeatDrop) -> Heartbeat {
        guard bytes.count > magic.count + 3 + tagLength, Array(bytes.prefix(2)) == magic else { throw .malformed }
        let body = bytes.dropLast(tagLength)
        guard HMAC<SHA256>.isValidAuthenticationCode(Array(bytes.suffix(tagLength)), authenticating: body, using: key) else {
            throw .badMAC
        }
        var reader = Reader(bytes: Array(body), position: 2)
        guard try reader.byte() == version else { throw .unsupportedVersion }
        guard try reader.byte() == heartbeatKind else { throw .malformed }
        let nameLength = Int(try reader.byte())
        guard nameLength > 0, nameLength <= maximumNameLength,
              let node = String(validating: try reader.bytes(nameLength), as: UTF8.self) else { throw .malformed }
        let bootID = try reader.uint64()
        let sequence = try reader.uint64()
        let echo = Heartbeat.Echo(bootID: try reader.uint64(), sequence: try reader.uint64())
        let epoch = try reader.uint64()
        guard let role = Role(rawValue: try reader.byte()) else { throw .malformed }
        let reasonCode = try reader.byte()
        let waitReason = WaitReason(rawValue: reasonCode)
        guard reasonCode == 0 || waitReason != nil else { throw .malformed }
        let flags = try reader.byte()
        let fingerprint = ConfigFingerprint(identity: try reader.uint32(), preference: try reader.uint32(),
                                            settings: try reader.uint32())
        guard reader.atEnd else { throw .malformed }
        let status = NodeStatus(role: role, waitReason: waitReason, epoch: epoch,
                                activating: flags & Flag.activating.rawValue != 0,
                                eligible: flags & Flag.eligible.rawValue != 0,
                                yielding: flags & Flag.yielding.rawValue != 0,
                                swapRequested: flags & Flag.swapRequested.rawValue != 0)
        return Heartbeat(node: node, bootID: bootID, sequence: sequence, echo: echo, status: status,
                         fingerprint: fingerprint)
    }

    private static func append<Field: FixedWidthInteger>(_ field: Field, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: field.bigEndian) { bytes += $0 }
    }

    private struct Reader {
        let bytes: [UInt8]
        var position: Int

        var atEnd: Bool { position == bytes.count }

        mutating func bytes(_ count: Int) throws(HeartbeatDrop) -> ArraySlice<UInt8> {
            guard count <= bytes.count - position else { throw .malformed }
            defer { position += count }
            return bytes[position..<(position + count)]
        }

        mutating func byte() throws(HeartbeatDrop) -> UInt8 { try bytes(1).first! }

        mutating func uint64() throws(HeartbeatDrop) -> UInt64 { try integer() }

        mutating func uint32() throws(HeartbeatDrop) -> UInt32 { try integer() }

        private mutating func integer<Field: FixedWidthInteger>() throws(HeartbeatDrop) -> Field {
            try bytes(MemoryLayout<Field>.size).reduce(Field.zero) { $0 << 8 | Field($1) }
        }
    }
}
