"""The draw (双随机) as pure functions: verifiable sortition, strata, eligibility, teams, the public record."""
