"""Tables, repositories and protobuf mapping of the sales service."""
