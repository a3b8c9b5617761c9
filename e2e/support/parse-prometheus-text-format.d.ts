// Types for parse-prometheus-text-format (it ships none): prom2json's shape.
declare module "parse-prometheus-text-format" {
  type Sample = { labels?: Record<string, string>; value?: string; buckets?: Record<string, string>; count?: string; sum?: string };
  type Family = { name: string; help: string; type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED"; metrics: Sample[] };
  export default function parsePrometheusTextFormat(text: string): Family[];
}
