"""Starting and stopping the homeservers under test, each from an empty data dir."""
