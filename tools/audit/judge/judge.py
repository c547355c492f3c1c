"""Assign verdicts to tools/audit/sample.tsv from evidence checks; rows the
checks cannot settle are printed for reading by hand (MANUAL dict)."""
import csv, os, re, glob, json, sys
sys.path.insert(0,'tools/audit/judge')
from placed import judge_placed
S='tools/audit/sample.tsv'
rows=list(csv.DictReader(open(S),delimiter='\t'))
MANUAL=json.load(open('tools/audit/judge/manual.json')) if os.path.exists('tools/audit/judge/manual.json') else {}
UTIL=('random_','null_resource','time_','local_file','local_sensitive_file','tls_','terraform_data','archive_','http','external','cloudinit_')
todo=[]
def tfs(d): return {x:open(x,errors='replace').read() for x in glob.glob(d+'/*.tf')}
for r in rows:
    key=f"{r['repo']}|{r['location']}|{r['address']}"
    root='/tmp/audit-src/'+r['repo'].replace('/','+')
    f,l=r['location'].rsplit(':',1); d=os.path.dirname(os.path.join(root,f))
    said=r['cercle said']; v=w=None
    if key in MANUAL:
        v,w=MANUAL[key]
    elif r['category']=='placed':
        x=judge_placed(r, root if not r['location'].startswith('examples/') else d, d)
        if x: v,w=x
    elif r['category']=='none':
        if r['type'].startswith(UTIL):
            v,w='correct','a utility provider\'s logical or local resource (random, null, time, tls, local file): it holds no cloud data, nothing to place'
    elif r['category']=='unresolved':
        m=re.search(r'unresolved: var\.([\w-]+) \(no default and no value given\)$',said)
        files=tfs(d)
        if m:
            name=m.group(1)
            decl=[]
            for t in files.values():
                mm=re.search(r'variable\s+"'+re.escape(name)+r'"\s*\{',t)
                if mm:
                    i=mm.end(); dep=1
                    while i<len(t) and dep: dep+= {'{':1,'}':-1}.get(t[i],0); i+=1
                    decl.append(t[mm.end():i-1])
            decl=[type('M',(),{'group':lambda self,k,x=x:x})() for x in decl]
            auto=glob.glob(d+'/terraform.tfvars*')+glob.glob(d+'/*.auto.tfvars*')
            if decl and not any('default' in x.group(1) for x in decl) and not auto:
                v,w='correct',f'var.{name} is declared without a default and no terraform.tfvars/*.auto.tfvars gives it: the location is an input of the example'
        m=re.search(r'provider ([\w-]+) has no configuration block',said)
        if m and not any(re.search(r'provider\s+"'+m.group(1)+'"',t) for t in files.values()):
            v,w='correct',f'no provider "{m.group(1)}" block in the root and no location argument: the region would come from the environment'
        m=re.search(r'provider ([\w-]+) sets no region',said)
        if m:
            blocks=[mm.group(1) for t in files.values() for mm in re.finditer(r'provider\s+"'+m.group(1)+r'"\s*\{(.*?)\n\}',t,re.S)]
            if blocks and not any(re.search(r'^\s*region\s*=',re.sub(r'#.*|//.*','',b),re.M) for b in blocks):
                v,w='correct',f'the provider "{m.group(1)}" block sets no region (checked by reading it) and the resource has no location argument of its own'
    if v is None:
        todo.append(r); continue
    r['verdict'],r['why']=v,w
with open('tools/audit/verdicts.tsv','w',newline='') as fh:
    wr=csv.DictWriter(fh,fieldnames=['category','repo','location','address','type','cercle said','verdict','why'],delimiter='\t',lineterminator='\n')
    wr.writeheader(); wr.writerows([r for r in rows if r.get('verdict')])
for r in todo:
    print(r['category'],'|',r['repo'],'|',r['location'],'|',r['address'],'|',r['cercle said'][:200])
print(len(todo),'to judge by hand',file=sys.stderr)
