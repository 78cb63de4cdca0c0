import ChitraCore

/// An error that retrying cannot mend (the same rows would stop the step again): the step's job is
/// discarded at once and its run fails with the error's sentence, for `chitra run resume` once the
/// cause is fixed, or `chitra run cancel`.
public protocol RunStoppingError: Error, CustomStringConvertible {}

/// A policy table that cannot compute a month (a base level missing for it).
extension PolicyError: RunStoppingError {}
extension RunShardConflict: RunStoppingError {}
extension RunShardReader.Unreadable: RunStoppingError {}
extension TabText.Malformed: RunStoppingError {}
