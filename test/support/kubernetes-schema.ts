import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type Model = new (data: unknown) => { validate(): void };

/** kubernetes-models: classes generated from the Kubernetes OpenAPI schemas; validate() throws on any violation. */
export function modelFor(apiVersion: string, kind: string): Model | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const modulePath = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  const models = require(modulePath) as Record<string, Model>;
  return models[kind];
}
