// The V8 flags every service process runs with (issue 20, memory), in one place: the supervisor
// (`npm start`) and the benchmarks that measure a service's memory read them; the service image
// writes the same flag in its CMD (deploy/docker/service.Dockerfile).
//
// --max-semi-space-size=2: the young generation's two halves grow to 2 MB instead of 16, which
// start-up's allocations otherwise leave resident — the gateway alone at rest 178 → 129 MB RSS; in the
// whole platform after the demo data (bench/idle, session 9) the gateway's idle max 154 MB with 4,
// 149 with 2, its peak under load 311 → 299 MB. The cost: more frequent (each smaller) scavenges
// under load. KEPU_NODE_FLAGS replaces them ("" for none).
export const serviceNodeFlags = (process.env.KEPU_NODE_FLAGS ?? "--max-semi-space-size=2").split(/\s+/).filter(Boolean);
