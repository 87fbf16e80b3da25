// Public API of @synack/scenarios: filled in by the package issue.
export {};
