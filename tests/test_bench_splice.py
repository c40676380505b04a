"""bench/results.md: each benchmark replaces only its own section."""

from bench.analytics import splice


def test_each_benchmark_replaces_its_own_section_and_leaves_the_others(tmp_path):
    results = tmp_path / "results.md"
    results.write_text("# Benchmarks\n\n## Latency\n\nfast\n", encoding="utf-8")
    splice(results, "## Knowledge-base retrieval\n\n1 ms\n")
    splice(results, "## Analytics: trends and the year report\n\n2 s\n")
    splice(results, "## Knowledge-base retrieval\n\n3 ms\n")
    text = results.read_text(encoding="utf-8")
    assert text.count("## Knowledge-base retrieval") == 1 and "3 ms" in text and "1 ms" not in text
    assert "## Latency\n\nfast" in text and "2 s" in text
    assert text.index("## Latency") < text.index("## Knowledge-base retrieval") < text.index("## Analytics")
