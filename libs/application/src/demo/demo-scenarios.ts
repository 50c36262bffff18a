/**
 * What the demo province is made of: the kinds of request the Lang Son and Gia Lai working
 * sessions of August 2025 reported, each with the department that would handle it.
 */
export interface DemoRequest {
  title: string;
  description: string;
  category: string;
  department: string;
  /** Where a first department returns it as outside its competence, the one it goes to next. */
  otherDepartment: string;
}

export const DEMO_REQUESTS: DemoRequest[] = [
  {
    title: "Add more vice chairmen of the ward People's Committee",
    description:
      'The ward has one vice chairman for economic and cultural-social affairs since the merger; the workload needs two.',
    category: 'staffing',
    department: 'home-affairs',
    otherDepartment: 'ppc-office',
  },
  {
    title: 'Invest in a centralized headquarters for Tam Thanh and Luong Van Tri',
    description: 'Officials work from four separate buildings; citizens do not know where to file documents.',
    category: 'headquarters',
    department: 'construction',
    otherDepartment: 'finance',
  },
  {
    title: 'Issue regulations on electronic authentication for enterprises',
    description:
      'Enterprises, organisations and individuals need instructions on electronic authentication for online procedures.',
    category: 'e-authentication',
    department: 'science-technology',
    otherDepartment: 'justice',
  },
  {
    title: 'Upgrade the traffic route to the commune centre',
    description: 'The road to the commune centre is degraded and cut off in the rainy season.',
    category: 'roads',
    department: 'construction',
    otherDepartment: 'agriculture-environment',
  },
  {
    title: 'Second IT staff to the commune',
    description: 'One officer runs every information system of the commune and the public administrative service centre.',
    category: 'it-network',
    department: 'science-technology',
    otherDepartment: 'home-affairs',
  },
  {
    title: 'Allocate funds to repair the commune headquarters',
    description: 'The roof of the main building leaks and the meeting hall is unusable.',
    category: 'funds',
    department: 'finance',
    otherDepartment: 'construction',
  },
  {
    title: 'Train officials on the new two-level local government model',
    description: 'Short courses on administrative procedures and management software for commune officials and civil servants.',
    category: 'training',
    department: 'home-affairs',
    otherDepartment: 'education-training',
  },
  {
    title: 'Guide the transfer of officials to civil servants',
    description: 'The commune needs written guidance on converting officials into civil servants after the reorganisation.',
    category: 'staffing',
    department: 'home-affairs',
    otherDepartment: 'justice',
  },
  {
    title: 'Improve high-speed network transmission lines',
    description: 'The public administrative service centre loses its connection several times a week.',
    category: 'it-network',
    department: 'science-technology',
    otherDepartment: 'industry-trade',
  },
  {
    title: 'Overcome the weak telecommunication signal in remote villages',
    description: 'Three villages have no stable mobile signal, so citizens cannot use online public services.',
    category: 'telecom-electricity',
    department: 'science-technology',
    otherDepartment: 'industry-trade',
  },
  {
    title: 'Complete the general planning of the commune',
    description: 'Complete the planning of communes and wards no later than September 2025.',
    category: 'land-planning',
    department: 'construction',
    otherDepartment: 'agriculture-environment',
  },
  {
    title: 'Supplement equipment for the public administrative service centre',
    description: 'Scanners, queue machines and computers are missing for the new counters.',
    category: 'equipment-vehicles',
    department: 'finance',
    otherDepartment: 'science-technology',
  },
  {
    title: 'Improve the document processing software system',
    description: 'Shared software between the province and communes is not interconnected; documents are typed twice.',
    category: 'it-network',
    department: 'science-technology',
    otherDepartment: 'ppc-office',
  },
  {
    title: 'Shorten the time to handle administrative procedures',
    description: 'Land procedures take longer since the district level was removed.',
    category: 'administrative-procedures',
    department: 'agriculture-environment',
    otherDepartment: 'justice',
  },
  {
    title: 'Organise specialised training for officials in charge of new fields',
    description: 'Officials newly in charge of land, construction and finance need specialised training.',
    category: 'training',
    department: 'education-training',
    otherDepartment: 'home-affairs',
  },
  {
    title: 'Build job positions for cadres and civil servants',
    description: 'Job position frameworks are needed to arrange suitable work for every civil servant.',
    category: 'staffing',
    department: 'home-affairs',
    otherDepartment: 'ppc-office',
  },
];

/** How each demo item travels through the lifecycle. */
export type DemoPath =
  | 'resolved-on-time'
  | 'resolved-late'
  | 'overdue-now'
  | 'in-progress'
  | 'returned-and-reassigned'
  | 'reopened'
  | 'declined'
  | 'answered-on-the-spot'
  | 'extended'
  | 'just-raised'
  | 'accepted-waiting';

export const DEMO_PATHS: DemoPath[] = [
  'resolved-on-time',
  'resolved-late',
  'overdue-now',
  'in-progress',
  'returned-and-reassigned',
  'reopened',
  'declined',
  'answered-on-the-spot',
  'extended',
  'resolved-on-time',
  'overdue-now',
  'just-raised',
  'accepted-waiting',
];
