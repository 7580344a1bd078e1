// The error of a Redis URL that cannot be used (no answer, refused, wrong password, not Redis).
// Its own module, so the command line can recognise it without loading the Redis client.
export class RedisUnreachable extends Error {}
