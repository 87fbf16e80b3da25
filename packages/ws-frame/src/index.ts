// Public API of @synack/ws-frame: filled in by the package issue.
export {};
