from datadog_checks.base import AgentCheck


class QueueDepthCheck(AgentCheck):
    def check(self, instance):
        self.gauge("acme.queue.depth", 42, tags=["queue:" + instance["queue"]])
