"""FollowTheMoney exchange: export list entries and findings as FtM entities; match yente-style
example entities against the watchlists."""
