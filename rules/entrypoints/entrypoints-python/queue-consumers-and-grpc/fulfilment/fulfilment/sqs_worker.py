import boto3

QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/fulfilment-events"

sqs = boto3.client("sqs", region_name="eu-west-1")


def poll_forever():
    while True:
        resp = sqs.receive_message(QueueUrl=QUEUE_URL, MaxNumberOfMessages=10, WaitTimeSeconds=20)  # expect: entrypoints-python
        for message in resp.get("Messages", []):
            handle(message)
            sqs.delete_message(QueueUrl=QUEUE_URL, ReceiptHandle=message["ReceiptHandle"])


def peek():
    # one-off debugging helper: not a consumer loop
    return sqs.receive_message(QueueUrl=QUEUE_URL, MaxNumberOfMessages=1)


def handle(message):
    print(message["Body"])
