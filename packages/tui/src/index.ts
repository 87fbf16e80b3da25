// Public API of @synack/tui: filled in by the package issue.
export {};
