"""gRPC servicer, nameko worker and command line of the sales service."""
