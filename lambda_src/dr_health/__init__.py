"""Health function of the disaster-recovery workload."""
