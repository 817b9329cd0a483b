import { expect, test } from "vitest";
import { formatMetrics, formatValue, histogramSamples } from "@/lib/metrics/prometheus";

test("families are written as HELP, TYPE and samples, labels escaped, ending in a newline", () => {
  const text = formatMetrics([
    {
      name: "holdfast_things",
      help: 'Things\nwith a "help"',
      type: "gauge",
      samples: [{ value: 3 }, { labels: { name: 'a "b"\\c\nd' }, value: 12345678901234567890n }],
    },
  ]);
  expect(text).toBe(
    [
      '# HELP holdfast_things Things\\nwith a "help"',
      "# TYPE holdfast_things gauge",
      "holdfast_things 3",
      'holdfast_things{name="a \\"b\\"\\\\c\\nd"} 12345678901234567890',
      "",
    ].join("\n"),
  );
});

test("histogram buckets are cumulative with +Inf, _sum and _count", () => {
  const samples = histogramSamples([10, 100], [2, 3, 1], 420, { status_class: "2xx" });
  expect(
    formatMetrics([{ name: "h_ms", help: "h", type: "histogram", samples }])
      .split("\n")
      .slice(2, -1),
  ).toEqual([
    'h_ms_bucket{status_class="2xx",le="10"} 2',
    'h_ms_bucket{status_class="2xx",le="100"} 5',
    'h_ms_bucket{status_class="2xx",le="+Inf"} 6',
    'h_ms_sum{status_class="2xx"} 420',
    'h_ms_count{status_class="2xx"} 6',
  ]);
});

test("special values and invalid names", () => {
  expect([formatValue(Number.NaN), formatValue(Number.POSITIVE_INFINITY), formatValue(-1.5)]).toEqual([
    "NaN",
    "+Inf",
    "-1.5",
  ]);
  expect(() => formatMetrics([{ name: "bad-name", help: "", type: "gauge", samples: [] }])).toThrow();
  expect(() =>
    formatMetrics([{ name: "ok", help: "", type: "gauge", samples: [{ labels: { "bad-label": "x" }, value: 1 }] }]),
  ).toThrow();
});
