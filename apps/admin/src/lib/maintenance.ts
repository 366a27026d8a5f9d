import { createStore } from './store.ts';

/** True once the server has answered 503 MAINTENANCE_MODE, until the health check says it is over. */
export const maintenanceStore = createStore(false);
