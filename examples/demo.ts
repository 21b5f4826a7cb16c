// Placeholder until the examples issue: replaced by the multi-service demo runner.
console.log('jwks-kit demo: the multi-service examples are not built yet.');
