/** The few bits of the DNS wire format (RFC 1035) the lab's server needs: parse a query, build an answer. */

export interface DnsQuestion {
  id: number;
  flags: number;
  name: string;
  type: number;
  qclass: number;
  /** The raw question section, echoed back in the answer. */
  question: Buffer;
}

export const TYPE_A = 1;
export const RCODE = { noError: 0, formErr: 1, servFail: 2, nxDomain: 3, notImp: 4, refused: 5 } as const;

/** Parses the first question of a query; undefined for anything malformed (the server then drops it). */
export function parseQuery(msg: Buffer): DnsQuestion | undefined {
  if (msg.length < 12) return undefined;
  const id = msg.readUInt16BE(0);
  const flags = msg.readUInt16BE(2);
  if (flags & 0x8000) return undefined; // a response, not a query
  if (msg.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let off = 12;
  for (let guard = 0; guard < 128; guard++) {
    if (off >= msg.length) return undefined;
    const len = msg[off] as number;
    if (len === 0) {
      off += 1;
      break;
    }
    if (len > 63 || off + 1 + len > msg.length) return undefined;
    labels.push(msg.subarray(off + 1, off + 1 + len).toString('latin1'));
    off += 1 + len;
  }
  if (off + 4 > msg.length) return undefined;
  const type = msg.readUInt16BE(off);
  const qclass = msg.readUInt16BE(off + 2);
  return {
    id,
    flags,
    name: labels.join('.').toLowerCase(),
    type,
    qclass,
    question: msg.subarray(12, off + 4),
  };
}

/** An answer to `q`: A records for `ips` (empty with rcode NOERROR = NODATA), authoritative. */
export function buildAnswer(q: DnsQuestion, rcode: number, ips: string[], ttl = 5): Buffer {
  const answers = ips.map((ip) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    rr.writeUInt16BE(TYPE_A, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(ttl, 6);
    rr.writeUInt16BE(4, 10);
    ip.split('.').forEach((p, i) => {
      rr[12 + i] = Number(p) & 0xff;
    });
    return rr;
  });
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id, 0);
  // QR, opcode from the query, AA, RD copied, RA set (we answer like a resolver), rcode.
  const rd = q.flags & 0x0100;
  header.writeUInt16BE(0x8000 | (q.flags & 0x7800) | 0x0400 | rd | 0x0080 | (rcode & 0xf), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, q.question, ...answers]);
}

/** Looks a name up in a zone: records → NOERROR (A answers or NODATA for other types), else NXDOMAIN. */
export function answerFor(
  q: DnsQuestion,
  zone: { records: Record<string, string[]> },
): { rcode: number; ips: string[] } {
  const name = q.name.replace(/\.$/, '');
  const ips = zone.records[name];
  if (ips) return { rcode: RCODE.noError, ips: q.type === TYPE_A ? ips : [] };
  return { rcode: RCODE.nxDomain, ips: [] };
}
