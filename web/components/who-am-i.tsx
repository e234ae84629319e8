import { Link } from "@remix-run/react";

export interface HomeUser {
  name: string;
  role: string;
  timeZone: string;
}

/** The top of every home page: who is signed in, in which role and time zone. */
export function WhoAmI({ user }: { user: HomeUser }) {
  return (
    <p className="muted">
      Signed in as <strong>{user.name}</strong> <span className="badge">{user.role}</span> · times shown in {user.timeZone} ·{" "}
      <Link to="/account">your account</Link>
    </p>
  );
}
