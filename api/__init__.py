"""REST API and persistence for the allocation engine: stored cases (versioned imports), runs with
their input snapshot, locks, the meeting's decisions, solve jobs in a process pool, roles and an
access log of every read or write of personal data. Start it with ``allokering serve``."""
