//! A small SMTP server for the mail tests, on 127.0.0.1 without TLS (`smtp://127.0.0.1:<port>`
//! for `Delivery::from_url`). It speaks what lettre's client needs: EHLO/HELO, MAIL FROM, RCPT
//! TO, DATA (dot-stuffed, ending in CRLF.CRLF), RSET, NOOP and QUIT, on as many connections as
//! the client opens (lettre pools them).
//!
//! A message counts as received only once the sink has answered 250 to the end of its DATA, as
//! a real server accepts it. Controls: fail the next messages with a temporary (451) or permanent
//! (550) answer; hold a message before answering its DATA (the test learns it is held, then
//! either releases it or kills the client, in which case the message is discarded, never
//! counted); answer each message after a delay, so that concurrent clients overlap.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// How the sink answers a message's end of DATA instead of accepting it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// `451 4.3.0 try again later`
    Transient,
    /// `550 5.1.1 no such user`
    Permanent,
}

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as sent after DATA, dot-unstuffed, lines ending in CRLF.
    pub raw: String,
}

impl Received {
    /// The header section, unfolded (a line break before white space removed).
    fn headers(&self) -> String {
        let head = self.raw.split("\r\n\r\n").next().unwrap_or_default();
        head.replace("\r\n ", " ").replace("\r\n\t", "\t")
    }

    /// The first header named `name` (case-insensitive), unfolded and trimmed.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers().split("\r\n").find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_string())
        })
    }

    pub fn message_id(&self) -> Option<String> {
        self.header("Message-ID")
    }

    pub fn to(&self) -> Option<String> {
        self.header("To")
    }

    pub fn subject(&self) -> Option<String> {
        self.header("Subject")
    }

    /// The one-click unsubscribe address, without its angle brackets.
    pub fn list_unsubscribe(&self) -> Option<String> {
        self.header("List-Unsubscribe")
            .map(|value| value.trim_start_matches('<').trim_end_matches('>').replace(' ', ""))
    }

    pub fn list_unsubscribe_post(&self) -> Option<String> {
        self.header("List-Unsubscribe-Post")
    }

    /// The MIME parts' `Content-Type` values (lower case), in order, the message's own first.
    pub fn content_types(&self) -> Vec<String> {
        let unfolded = self.raw.replace("\r\n ", " ").replace("\r\n\t", "\t");
        unfolded
            .split("\r\n")
            .filter_map(|line| {
                let (key, value) = line.split_once(':')?;
                key.trim().eq_ignore_ascii_case("content-type").then(|| value.trim().to_ascii_lowercase())
            })
            .collect()
    }

    /// Whether a part of the body is a calendar file (`Content-Type: text/calendar`).
    pub fn has_calendar_part(&self) -> bool {
        self.content_types().iter().any(|value| value.starts_with("text/calendar"))
    }

    /// The body with quoted-printable soft line breaks removed, for finding a long link in it.
    pub fn body_joined(&self) -> String {
        let body = self.raw.split_once("\r\n\r\n").map(|(_, body)| body).unwrap_or_default();
        body.replace("=\r\n", "")
    }
}

#[derive(Debug, Default)]
struct Inner {
    received: Vec<Received>,
    failures: VecDeque<Failure>,
    /// Ends of DATA seen so far (accepted, failed, held or discarded).
    data_ends: usize,
    /// Hold the message whose end of DATA is this one (1-based).
    hold_at: Option<usize>,
    holding: bool,
    /// Held messages whose client went away before the release.
    discarded: usize,
    delay: Duration,
}

struct Shared {
    inner: Mutex<Inner>,
    /// Bumped on every change, for [`SmtpSink::wait_for`].
    changed: watch::Sender<u64>,
    release: Notify,
}

impl Shared {
    fn update<T>(&self, change: impl FnOnce(&mut Inner) -> T) -> T {
        let result = change(&mut self.inner.lock().unwrap());
        self.changed.send_modify(|version| *version += 1);
        result
    }
}

/// The running sink; stops when dropped.
pub struct SmtpSink {
    port: u16,
    shared: Arc<Shared>,
    acceptor: JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.acceptor.abort();
    }
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the SMTP sink");
        let port = listener.local_addr().expect("the sink's address").port();
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner::default()),
            changed: watch::channel(0).0,
            release: Notify::new(),
        });
        let acceptor = tokio::spawn({
            let shared = shared.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    tokio::spawn(session(stream, shared.clone()));
                }
            }
        });
        SmtpSink { port, shared, acceptor }
    }

    /// `smtp://127.0.0.1:<port>`: plain SMTP, no TLS.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The accepted messages, in the order they were accepted.
    pub fn messages(&self) -> Vec<Received> {
        self.shared.inner.lock().unwrap().received.clone()
    }

    pub fn count(&self) -> usize {
        self.shared.inner.lock().unwrap().received.len()
    }

    /// Answers the next `count` messages' end of DATA with `failure`.
    pub fn fail_next(&self, count: usize, failure: Failure) {
        self.shared.update(|inner| inner.failures.extend((0..count).map(|_| failure)));
    }

    /// Holds the `nth` message from now (1-based) before answering its end of DATA.
    pub fn hold_nth(&self, nth: usize) {
        self.shared.update(|inner| inner.hold_at = Some(inner.data_ends + nth));
    }

    /// Lets a held message be accepted (250). Call it only while a message is held (see
    /// [`Self::wait_until_holding`]): a release with nothing held lets the next hold through.
    pub fn release(&self) {
        self.shared.release.notify_one();
    }

    /// Waits before answering each end of DATA.
    pub fn set_delay(&self, delay: Duration) {
        self.shared.update(|inner| inner.delay = delay);
    }

    /// Held messages dropped because their client went away.
    pub fn discarded(&self) -> usize {
        self.shared.inner.lock().unwrap().discarded
    }

    /// Waits (at most 10 s) until a message is being held.
    pub async fn wait_until_holding(&self) {
        self.wait_for("a message to be held", |inner| inner.holding).await;
    }

    /// Waits (at most 10 s) until `done` holds for the sink's state.
    async fn wait_for(&self, what: &str, done: impl Fn(&Inner) -> bool) {
        let mut changes = self.shared.changed.subscribe();
        let wait = async {
            loop {
                if done(&self.shared.inner.lock().unwrap()) {
                    return;
                }
                changes.changed().await.expect("the sink is running");
            }
        };
        tokio::time::timeout(Duration::from_secs(10), wait)
            .await
            .unwrap_or_else(|_| panic!("the SMTP sink waited 10 s for {what}"));
    }

    /// Waits (at most 10 s) until `count` held messages have been discarded.
    pub async fn wait_until_discarded(&self, count: usize) {
        self.wait_for("the held message's client to go away", |inner| inner.discarded >= count).await;
    }
}

/// What became of a message at its end of DATA.
enum Verdict {
    Accept,
    Fail(Failure),
    Hold,
}

async fn session(stream: TcpStream, shared: Arc<Shared>) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    macro_rules! reply {
        ($text:expr) => {
            if write.write_all(format!("{}\r\n", $text).as_bytes()).await.is_err() {
                return;
            }
        };
    }
    reply!("220 sink.test ESMTP ready");
    let mut from: Option<String> = None;
    let mut recipients: Vec<String> = Vec::new();
    loop {
        let Some(line) = read_line(&mut reader).await else { return };
        let upper = line.to_ascii_uppercase();
        let verb = upper.split_whitespace().next().unwrap_or_default().to_string();
        match verb.as_str() {
            "EHLO" => reply!("250-sink.test greets you\r\n250-8BITMIME\r\n250 SMTPUTF8"),
            "HELO" => reply!("250 sink.test"),
            "MAIL" if upper.starts_with("MAIL FROM:") => {
                from = Some(line["MAIL FROM:".len()..].trim().to_string());
                recipients.clear();
                reply!("250 2.1.0 OK");
            }
            "RCPT" if upper.starts_with("RCPT TO:") => {
                if from.is_none() {
                    reply!("503 5.5.1 MAIL first");
                    continue;
                }
                recipients.push(line["RCPT TO:".len()..].trim().to_string());
                reply!("250 2.1.5 OK");
            }
            "DATA" => {
                if from.is_none() || recipients.is_empty() {
                    reply!("503 5.5.1 MAIL and RCPT first");
                    continue;
                }
                reply!("354 End data with <CR><LF>.<CR><LF>");
                let mut raw = String::new();
                loop {
                    let Some(line) = read_line(&mut reader).await else { return };
                    if line == "." {
                        break;
                    }
                    // The client doubled every leading dot (dot-stuffing).
                    raw.push_str(line.strip_prefix('.').unwrap_or(&line));
                    raw.push_str("\r\n");
                }
                let message = Received {
                    mail_from: from.take().unwrap_or_default(),
                    rcpt_to: std::mem::take(&mut recipients),
                    raw,
                };
                let (verdict, delay) = shared.update(|inner| {
                    inner.data_ends += 1;
                    let verdict = if let Some(failure) = inner.failures.pop_front() {
                        Verdict::Fail(failure)
                    } else if inner.hold_at == Some(inner.data_ends) {
                        inner.hold_at = None;
                        inner.holding = true;
                        Verdict::Hold
                    } else {
                        Verdict::Accept
                    };
                    (verdict, inner.delay)
                });
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                match verdict {
                    Verdict::Fail(Failure::Transient) => reply!("451 4.3.0 try again later"),
                    Verdict::Fail(Failure::Permanent) => reply!("550 5.1.1 no such user"),
                    Verdict::Accept => {
                        shared.update(|inner| inner.received.push(message));
                        reply!("250 2.0.0 OK: queued");
                    }
                    Verdict::Hold => {
                        // Held: the client is waiting for our answer. Anything it does now (a
                        // QUIT as it gives up, or closing the connection) means it went away
                        // without the message being accepted.
                        let gone = tokio::select! {
                            _ = shared.release.notified() => false,
                            _ = reader.fill_buf() => true,
                        };
                        if gone {
                            shared.update(|inner| {
                                inner.holding = false;
                                inner.discarded += 1;
                            });
                            let _ = write.write_all(b"221 2.0.0 Bye\r\n").await;
                            return;
                        }
                        shared.update(|inner| {
                            inner.holding = false;
                            inner.received.push(message);
                        });
                        reply!("250 2.0.0 OK: queued");
                    }
                }
            }
            "RSET" => {
                from = None;
                recipients.clear();
                reply!("250 2.0.0 OK");
            }
            "NOOP" => reply!("250 2.0.0 OK"),
            "QUIT" => {
                let _ = write.write_all(b"221 2.0.0 Bye\r\n").await;
                return;
            }
            _ => reply!("502 5.5.2 Command not recognised"),
        }
    }
}

/// One line without its CRLF; `None` at the end of the connection.
async fn read_line(reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Option<String> {
    let mut bytes = Vec::new();
    match reader.read_until(b'\n', &mut bytes).await {
        Ok(0) | Err(_) => None,
        Ok(_) => {
            let line = String::from_utf8_lossy(&bytes);
            Some(line.trim_end_matches(['\r', '\n']).to_string())
        }
    }
}
