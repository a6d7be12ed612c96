"""Helpers shared by the tests (fixtures' data, runners, sample files); no tests here."""
