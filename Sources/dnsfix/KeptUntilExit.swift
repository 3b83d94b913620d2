/// What the process frees by exiting rather than object by object: the zones of a large audit are a
/// million records, which take longer to release one by one than the checks take to run.
enum KeptUntilExit {
    private final class Box<Value> {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    static func keep<Value>(_ value: Value) {
        _ = Unmanaged.passRetained(Box(value))
    }
}
