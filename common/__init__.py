"""Shared infrastructure the domain apps build on. No models; imports no app of ours."""
