package payments

func TestCharge(t *testing.T) {
	span := tracer.StartSpan("test.op")
	span.SetTag("test.tag", 1)
}
