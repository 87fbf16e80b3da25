// Public API of @synack/tcp-sim: filled in by the package issue.
export {};
