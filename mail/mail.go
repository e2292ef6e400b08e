// Package mail sends the site's email: through an SMTP server when one is
// configured, otherwise into .eml files in an outbox folder, so that a site
// run on a laptop still "sends" its password-reset links.
package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"net"
	netmail "net/mail"
	"net/smtp"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Message is one plain-text email.
type Message struct {
	To      string
	Subject string
	Body    string
	// ReplyTo is where a reply goes, when not to the site's From address:
	// the operators' address, for a message a member may answer.
	ReplyTo string
}

// Sender sends messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// New returns an SMTP sender when smtpURL is set (smtp://user:pass@host:port),
// and an outbox in dir otherwise.
func New(smtpURL, from, dir string) (Sender, error) {
	if smtpURL == "" {
		return &Outbox{Dir: dir, From: from}, nil
	}
	u, err := url.Parse(smtpURL)
	if err != nil || u.Scheme != "smtp" || u.Host == "" {
		return nil, fmt.Errorf("smtp url: want smtp://[user:password@]host:port")
	}
	s := &SMTP{Addr: u.Host, From: from}
	if u.User != nil {
		pass, _ := u.User.Password()
		host, _, _ := net.SplitHostPort(u.Host)
		s.Auth = smtp.PlainAuth("", u.User.Username(), pass, host)
	}
	return s, nil
}

// render formats m as an RFC 5322 message.
func render(from string, m Message, now time.Time) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "To: %s\r\n", m.To)
	if m.ReplyTo != "" {
		fmt.Fprintf(&b, "Reply-To: %s\r\n", m.ReplyTo)
	}
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", m.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(m.Body, "\n", "\r\n"))
	return []byte(b.String())
}

// Outbox writes each message to its own .eml file in Dir.
type Outbox struct {
	Dir  string
	From string
}

// Send writes m to a new file in the outbox, atomically.
func (o *Outbox) Send(_ context.Context, m Message) error {
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	now := time.Now().UTC()
	var rnd [4]byte
	rand.Read(rnd[:])
	name := fmt.Sprintf("%s-%s.eml", now.Format("20060102T150405.000000000"), hex.EncodeToString(rnd[:]))
	tmp := filepath.Join(o.Dir, "."+name+".tmp") // not *.eml until it is whole
	if err := os.WriteFile(tmp, render(o.From, m, now), 0o640); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return os.Rename(tmp, filepath.Join(o.Dir, name))
}

// SMTP sends through a mail server.
type SMTP struct {
	Addr string
	From string
	Auth smtp.Auth
}

// Send hands m to the server.
func (s *SMTP) Send(_ context.Context, m Message) error {
	from, err := netmail.ParseAddress(s.From)
	if err != nil {
		return fmt.Errorf("smtp: from address: %w", err)
	}
	if err := smtp.SendMail(s.Addr, s.Auth, from.Address, []string{m.To}, render(s.From, m, time.Now().UTC())); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	return nil
}
