//! cluster: which event is this article about, and which story does the event continue?

#[derive(Debug, Clone, Default)]
pub struct ClusterConfig {}
