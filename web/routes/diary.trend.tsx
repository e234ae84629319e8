import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { getSymmetryTrend } from "../../server/services/diary";
import { actorOf, answering } from "../components/journey.server";
import { TrendSection } from "../components/diary/trend-section";

export const handle = { access: rolesAccess("patient") };
export const meta: MetaFunction = () => [{ title: "My symmetry trend · Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const actor = actorOf(context);
  return { trend: await answering(() => getSymmetryTrend(context.services, actor, actor.userId)), timeZone: context.session!.user.timeZone };
}

export default function MyTrend() {
  const { trend, timeZone } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>My symmetry trend</h1>
      <TrendSection trend={trend} timeZone={timeZone} />
      <p>
        <Link to="/diary">Back to my diary</Link>
      </p>
    </>
  );
}
