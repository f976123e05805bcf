//! Use cases: one function per thing a person does, each in its own transaction with its
//! audit entry. Handlers and commands parse, call one use case, and render.

pub mod closing;
pub mod publish;
