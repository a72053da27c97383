// A front end's use of the generated types (schema.d.ts, from openapi-typescript) through
// openapi-fetch: tests/contract/test_generated_clients.py runs `tsc --noEmit` over it. The lines
// marked as expected errors prove the types are strict: the compiler must refuse each one.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type Problem = components["schemas"]["Problem"];

const api = createClient<paths>({ baseUrl: "http://127.0.0.1:8080" });

// Public: no credential at all.
export async function searchCatalogue(q: string): Promise<string[]> {
  const { data, error } = await api.GET("/api/v1/catalog/organisations", {
    params: { query: { q, limit: 10 } },
  });
  if (error) throw new Error(error.title);
  return data.data.map((organisation) => `${organisation.ruc} ${organisation.legal_name}`);
}

// An optional body may simply be left out; problems carry the stable `rule` to switch on.
export async function admit(token: string, applicationId: string): Promise<string | null> {
  const { data, error } = await api.POST("/api/v1/enrollment/applications/{application_id}/admit", {
    params: { path: { application_id: applicationId }, header: { "Accept-Language": "es-PE" } },
    headers: { Authorization: `Bearer ${token}` },
  });
  if (error) {
    const problem: Problem = error;
    if (problem.rule === "cohort.full") return null;
    throw new Error(`${problem.status} ${problem.detail ?? problem.title}`);
  }
  return data.monitor?.name ?? null;
}

// Idempotency-Key is a declared header parameter.
export async function openCohort(token: string, retryKey: string): Promise<string> {
  const { data, error } = await api.POST("/api/v1/enrollment/cohorts", {
    params: { header: { "Idempotency-Key": retryKey } },
    headers: { Authorization: `Bearer ${token}` },
    body: {
      name: "BPE 2026-I",
      capacity: 30,
      applications_open_on: "2026-03-01",
      applications_close_on: "2026-04-15",
    },
  });
  if (error) throw new Error(error.title);
  return data.id;
}

export async function verify(number: string): Promise<string> {
  const { data, error } = await api.GET("/api/v1/catalog/certificates/{certificate_number}/verification", {
    params: { path: { certificate_number: number } },
  });
  if (error) return error.title;
  return data.status;
}

export async function refusedByTheTypes(token: string): Promise<void> {
  await api.POST("/api/v1/enrollment/cohorts", {
    headers: { Authorization: `Bearer ${token}` },
    // @ts-expect-error capacity is required
    body: { name: "x", applications_open_on: "2026-03-01", applications_close_on: "2026-04-15" },
  });
  // @ts-expect-error no such operation
  await api.GET("/api/v1/enrollment/no-such-thing");
  const { data } = await api.GET("/api/v1/training/participants", {
    headers: { Authorization: `Bearer ${token}` },
  });
  // @ts-expect-error training's participants are training's: no audit-only `eligible_at`
  console.log(data?.data[0]?.eligible_at);
}
