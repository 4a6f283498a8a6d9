// The browser flows, in order. Later features add theirs here.
import { login } from "./login.mjs";
import { people } from "./people.mjs";
import { registry } from "./registry.mjs";
import { portfolio } from "./portfolio.mjs";
import { duties } from "./duties.mjs";
import { forms } from "./forms.mjs";
import { activities } from "./activities.mjs";
import { mentoring } from "./mentoring.mjs";
import { crawl } from "./crawl.mjs";

export const flows = [login, people, registry, portfolio, duties, forms, activities, mentoring, crawl];
