package main

import (
	"net/http"
	"testing"
)

func TestHealth(t *testing.T) {
	if _, err := http.Get("http://localhost:8080/health"); err != nil {
		t.Fatal(err)
	}
}
