import redis

r = redis.Redis(host="redis", port=6379)


def listen():
    p = r.pubsub()
    p.subscribe("notifications")
    for message in p.listen():
        print(message)
