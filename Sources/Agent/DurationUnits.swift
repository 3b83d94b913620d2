extension Duration {
    /// For the APIs that take seconds as a Double (Dispatch, ldns timeouts).
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
