// Drives chaosctl's Toxiproxy-compatible API with npm's toxiproxy-node-client, as an existing
// Toxiproxy test suite would. One step per invocation, so the C++ test measures through real
// PostgreSQL between steps; prints what the client got back as JSON.
//
//   node toxiproxy_client.mjs API create NAME LISTEN UPSTREAM
//   node toxiproxy_client.mjs API latency NAME MS
//   node toxiproxy_client.mjs API reset
//   node toxiproxy_client.mjs API show NAME
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Toxiproxy } = require('toxiproxy-node-client');

const [api, step, ...args] = process.argv.slice(2);
const toxiproxy = new Toxiproxy(api);

async function main() {
  if (step === 'create') {
    const [name, listen, upstream] = args;
    const proxy = await toxiproxy.createProxy({ name, listen, upstream });
    return proxy.toJson();
  }
  if (step === 'latency') {
    const [name, ms] = args;
    const proxy = await toxiproxy.get(name);
    const toxic = await proxy.addToxic({
      name: 'slow_db', type: 'latency', stream: 'downstream', toxicity: 1,
      attributes: { latency: Number(ms), jitter: 0 },
    });
    return toxic.toJson();
  }
  if (step === 'reset') {
    await toxiproxy.reset();
    return { version: await toxiproxy.getVersion() };
  }
  if (step === 'show') {
    const all = await toxiproxy.getAll();
    const proxy = all[args[0]];
    const toxics = await toxiproxy.getApi().get(`${api}/proxies/${args[0]}/toxics`);
    return { proxy: proxy.toJson(), toxics: toxics.data };
  }
  throw new Error(`unknown step ${step}`);
}

main().then((out) => console.log(JSON.stringify(out)), (e) => {
  console.error(`toxiproxy-node-client: ${e.message}`);
  process.exit(1);
});
