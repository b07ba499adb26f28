export { chromiumPath, launchChromium } from './chromium.js';
export { coturnConfig, startCoturn, turnserverPath, type TurnServer } from './coturn.js';
export { startRedis, type RedisServer } from './redis.js';
export { answersStun } from './stun-probe.js';
