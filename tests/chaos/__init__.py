"""The reduced durability run (`make chaos` at full size): faults over the real processes."""
