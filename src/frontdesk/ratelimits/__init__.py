"""Rate limits: how often one visitor, one address or one account may do a thing.

A small port (``RateLimiter``) over the kept ``limits`` library: in memory on one node,
in Redis when the nodes share one, so a limit holds across nodes."""
