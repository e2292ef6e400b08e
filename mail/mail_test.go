package mail

import (
	"bufio"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOutbox(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	s, err := New("", "Rapport <no-reply@example.com>", dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), Message{To: "ada@example.com", Subject: "Réinitialiser", Body: "line one\nline two\n"}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("outbox holds %d files", len(files))
	}
	b, _ := os.ReadFile(files[0])
	for _, want := range []string{"From: Rapport <no-reply@example.com>\r\n", "To: ada@example.com\r\n", "Subject: =?utf-8?q?R=C3=A9initialiser?=\r\n", "\r\n\r\nline one\r\nline two\r\n"} {
		if !strings.Contains(string(b), want) {
			t.Fatalf("message lacks %q:\n%s", want, b)
		}
	}
}

// TestSMTP sends through a minimal SMTP server on loopback and checks what
// it received.
func TestSMTP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		say := func(s string) { conn.Write([]byte(s + "\r\n")) }
		say("220 test ESMTP")
		var transcript strings.Builder
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			transcript.WriteString(line)
			switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				say("250 test")
			case strings.HasPrefix(cmd, "DATA"):
				say("354 go on")
				for {
					l, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if l == ".\r\n" {
						break
					}
					transcript.WriteString(l)
				}
				say("250 queued")
			case strings.HasPrefix(cmd, "QUIT"):
				say("221 bye")
				got <- transcript.String()
				return
			default:
				say("250 ok")
			}
		}
	}()
	s, err := New("smtp://"+ln.Addr().String(), "Rapport <no-reply@example.com>", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), Message{To: "ada@example.com", Subject: "Hello", Body: "Hi"}); err != nil {
		t.Fatal(err)
	}
	transcript := <-got
	for _, want := range []string{"MAIL FROM:<no-reply@example.com>", "RCPT TO:<ada@example.com>", "Subject: Hello", "Hi"} {
		if !strings.Contains(transcript, want) {
			t.Fatalf("the server did not get %q:\n%s", want, transcript)
		}
	}
}

func TestNewRefusesBadURL(t *testing.T) {
	for _, u := range []string{"http://mail.example.com", "smtp://", "::"} {
		if _, err := New(u, "x@example.com", ""); err == nil {
			t.Errorf("New(%q) accepted", u)
		}
	}
}
