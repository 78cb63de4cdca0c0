import ChitraCore

extension Identity {
    /// A person acting in tests that call the store directly (the store records who acts; what
    /// they may do is checked by the CLI and the API, tested in the access matrix).
    public static func test(_ name: String, role: Role = .operator) -> Identity {
        Identity(tokenID: nil, name: name, role: role, districts: BacLieu.districtCodes + CaMau.communeCodes)
    }
}
