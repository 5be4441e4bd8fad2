// A registry store on the real engines for one test file: its own database and topic (a unique
// prefix), the outbox relay bringing its events to Kafka, and the cleanup.
import { MongoClient } from "mongodb";
import { createKafka, EventPublisher } from "@kepu/bus";
import { createLogger } from "@kepu/log";
import { OutboxRelay } from "@kepu/outbox";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { RegistryStore } from "../src/store/registry-store.js";

export function registryOnEngines(name: string) {
  const logger = createLogger({ service: `${name}-test`, level: "silent" });
  const engines = new TestEngines(uniquePrefix(name));
  const mongo = new MongoClient(engines.urls.mongoUrl);
  const publisher = new EventPublisher(createKafka({ brokers: engines.urls.kafkaBrokers, clientId: `${name}-test`, logger }));
  const topic = engines.topic("registry");
  const relay = new OutboxRelay({ collections: [], publisher, logger });
  return {
    engines,
    topic,
    /** Connects, makes the topic and the indexes, starts the relay: the store to test. */
    async start(): Promise<RegistryStore> {
      await mongo.connect();
      await engines.createTopics([topic]);
      const store = new RegistryStore(mongo.db(engines.database("registry")), topic, relay);
      relay.watch(Object.values(store.collections));
      await store.createIndexes();
      relay.start();
      return store;
    },
    async stop(): Promise<void> {
      await relay.stop();
      await publisher.disconnect();
      await mongo.close();
      await engines.cleanup();
    },
  };
}
